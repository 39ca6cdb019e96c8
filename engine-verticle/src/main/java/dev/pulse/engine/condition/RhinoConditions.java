package dev.pulse.engine.condition;

import dev.pulse.engine.decide.ConditionEvaluator;
import java.util.Map;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.EvaluatorException;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.ScriptableObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step conditions, evaluated by Mozilla Rhino in a sandbox.
 *
 * <p>Why Rhino: the spec makes conditions JavaScript ({@code promptResponse === 'Yes'}), and a
 * home-made expression language would break existing workflows in small ways. Nashorn left the
 * JDK and cannot be interrupted; GraalJS brings the polyglot runtime (tens of MB) to evaluate
 * one-line expressions. Rhino is one pure-Java jar with the three controls a sandbox needs: safe
 * standard objects without LiveConnect ({@code Packages}, {@code java}), a ClassShutter, and an
 * instruction observer that stops a runaway script. Interpreted mode generates no classes.
 *
 * <p>Each evaluation gets fresh standard objects, so one condition cannot leave anything behind
 * for the next. Run-time code generation ({@code Function(...)}, {@code eval}) is removed: a
 * condition is an expression and has no use for it. Builtins that allocate in one call (a huge
 * {@code 'x'.repeat(n)}) are not stopped by the budget; conditions are written by admins, who can
 * run any command on any worker anyway, so the sandbox is defence in depth, not a boundary
 * against them.
 */
public final class RhinoConditions implements ConditionEvaluator {

  private static final Logger LOG = LoggerFactory.getLogger(RhinoConditions.class);

  /** The default time budget of one evaluation. */
  public static final long DEFAULT_BUDGET_MS = 100;

  private static final String HARDEN = String.join("\n",
      "(function () {",
      "  var deny = function () { throw new EvalError('conditions cannot create code at run time'); };",
      "  Object.defineProperty(Function.prototype, 'constructor', {value: deny});",
      "  try {",
      "    Object.defineProperty(Object.getPrototypeOf(function* () {}), 'constructor', {value: deny});",
      "  } catch (e) {}",
      "})();",
      "delete this.Function; delete this.eval;");

  private final SandboxContextFactory factory;
  private final Script harden;

  /** Conditions stopped after {@code budgetMs} of running. */
  public RhinoConditions(long budgetMs) {
    this.factory = new SandboxContextFactory(budgetMs);
    try (Context cx = factory.enterContext()) {
      this.harden = cx.compileString(HARDEN, "sandbox", 1, null);
    }
  }

  /** Compiles {@code expression} without running it: null when it parses, else what is wrong. */
  public String parseError(String expression) {
    try (Context cx = factory.enterContext()) {
      cx.compileString(expression, "condition", 1, null);
      return null;
    } catch (EvaluatorException e) {
      return e.details() + " (line " + e.lineNumber() + ", column " + e.columnNumber() + ")";
    }
  }

  @Override
  public Outcome evaluate(String expression, Map<String, Object> state, String promptResponse) {
    try (Context cx = factory.enterContext()) {
      ScriptableObject scope = cx.initSafeStandardObjects(null, false);
      harden.exec(cx, scope, scope);
      scope.put("promptResponse", scope, promptResponse);
      scope.put("state", scope, JsValues.toJs(cx, scope, state));
      Object result = cx.evaluateString(scope, expression, "condition", 1, null);
      return Outcome.of(Context.toBoolean(result));
    } catch (SandboxContextFactory.BudgetExceeded e) {
      return Outcome.failed(e.getMessage());
    } catch (RhinoException e) {
      return Outcome.failed(e.details());
    } catch (StackOverflowError e) {
      return Outcome.failed("it recursed too deeply");
    } catch (RuntimeException e) {
      LOG.warn("Condition '{}' failed unexpectedly", expression, e);
      return Outcome.failed(e.toString());
    }
  }
}
