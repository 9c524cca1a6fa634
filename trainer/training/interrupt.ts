// Ctrl-C during training: the first SIGINT aborts the returned signal, so train() finishes its current batch,
// writes its checkpoints and returns (stopReason "aborted"); a second SIGINT exits at once, as a user who presses
// it twice expects.
export interface InterruptStop {
  signal: AbortSignal;
  /** Removes the handler (call when training is over). */
  release(): void;
}

export function stopOnInterrupt(onFirst?: () => void): InterruptStop {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    onFirst?.();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, release: () => process.off('SIGINT', handler) };
}
