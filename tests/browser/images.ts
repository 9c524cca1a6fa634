// Whether images really loaded in the page (complete with a decoded size), checked inside the browser.
// The expressions are strings so these tests type-check without the DOM library.
import type { Page } from 'playwright-core';

/** Waits until at least `count` <img> elements matching `selector` have loaded. */
export async function imagesLoaded(page: Page, selector: string, count = 1, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].filter((img) => img.complete && img.naturalWidth > 0).length >= ${count}`,
    undefined,
    { timeout },
  );
}

/** The decoded [width, height] of the first <img> matching `selector`. */
export async function naturalSize(page: Page, selector: string): Promise<[number, number]> {
  return page.evaluate(`(() => { const img = document.querySelector(${JSON.stringify(selector)}); return [img.naturalWidth, img.naturalHeight]; })()`) as Promise<[number, number]>;
}
