/** Collects what would crash the process: unhandled rejections and uncaught exceptions. */
export function watchForCrashes(): { problems: unknown[]; stop(): void } {
  const problems: unknown[] = [];
  const onProblem = (err: unknown): void => void problems.push(err);
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  return {
    problems,
    stop: () => {
      process.off('unhandledRejection', onProblem);
      process.off('uncaughtException', onProblem);
    },
  };
}
