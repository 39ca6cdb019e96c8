package dev.pulse.worker.exec;

/** A task holding one of the scheduler's slots: a command, or a local workflow. */
interface Stoppable {

  /** Stops it early; the first reason wins. Its result still follows. */
  void stop(CommandRun.StopReason reason);
}
