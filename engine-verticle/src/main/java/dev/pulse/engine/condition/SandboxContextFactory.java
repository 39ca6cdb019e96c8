package dev.pulse.engine.condition;

import org.mozilla.javascript.Callable;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.Scriptable;

/**
 * Contexts for conditions: ES6, interpreted (no generated classes), no Java class visible, a
 * shallow stack and a wall-clock budget checked every few thousand instructions.
 */
final class SandboxContextFactory extends ContextFactory {

  /** Thrown from the instruction observer: an Error, so that a script's try/catch cannot swallow it. */
  static final class BudgetExceeded extends Error {
    BudgetExceeded(long budgetMs) {
      super("it ran longer than its budget of " + budgetMs + " ms and was stopped", null, false, false);
    }
  }

  private static final class TimedContext extends Context {
    private long deadlineNanos;

    TimedContext(ContextFactory factory) {
      super(factory);
    }
  }

  private final long budgetMs;

  SandboxContextFactory(long budgetMs) {
    this.budgetMs = budgetMs;
  }

  @Override
  protected Context makeContext() {
    TimedContext cx = new TimedContext(this);
    cx.setLanguageVersion(Context.VERSION_ES6);
    cx.setInterpretedMode(true);
    cx.setClassShutter(className -> false);
    cx.setMaximumInterpreterStackDepth(200);
    cx.setInstructionObserverThreshold(5_000);
    return cx;
  }

  @Override
  protected void observeInstructionCount(Context cx, int instructionCount) {
    if (System.nanoTime() > ((TimedContext) cx).deadlineNanos) {
      throw new BudgetExceeded(budgetMs);
    }
  }

  @Override
  protected Object doTopCall(Script script, Context cx, Scriptable scope, Scriptable thisObj) {
    ((TimedContext) cx).deadlineNanos = System.nanoTime() + budgetMs * 1_000_000;
    return super.doTopCall(script, cx, scope, thisObj);
  }

  @Override
  protected Object doTopCall(Callable callable, Context cx, Scriptable scope, Scriptable thisObj, Object[] args) {
    ((TimedContext) cx).deadlineNanos = System.nanoTime() + budgetMs * 1_000_000;
    return super.doTopCall(callable, cx, scope, thisObj, args);
  }
}
