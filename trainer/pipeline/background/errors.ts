// Why a background could not be removed. The message names the problem; the caller, which knows the
// file, prefixes its name.
export class BackgroundRemovalError extends Error {
  override readonly name = 'BackgroundRemovalError';
}
