// Config section preprocessing.preprocessor: PIXAL's keys and defaults, plus `normalisation`.
import { z } from 'zod';
import { CHANNEL_GROUPS, CHANNEL_NAMES, NORMALISATIONS, isChannelGroup, isChannelName, type ChannelName } from './channels.ts';

const ALL = 'ALL';
const GROUP_NAMES = Object.keys(CHANNEL_GROUPS);
const VALID = `valid channels: ${CHANNEL_NAMES.join(', ')}, or "ALL"`;

// "ALL" may come as a string or, as PIXAL's own config comment writes it, as the list ["ALL"]; a group name
// (RGB, HSV, LAB_ab, ...) as a string stands for its channels.
const Channels = z
  .union([
    z.string().refine((name) => name === ALL || isChannelGroup(name), (name) => ({ message: `unknown channel set "${name}"; give a list of channels, "ALL", or one of ${GROUP_NAMES.join(', ')}` })),
    z.array(z.string()).nonempty('channels must name at least one channel'),
  ])
  .superRefine((channels, ctx) => {
    if (typeof channels === 'string' || (channels.length === 1 && channels[0] === ALL)) return;
    for (const name of channels) {
      if (name === ALL) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"ALL" cannot be combined with other channels; ${VALID}` });
      else if (!isChannelName(name)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `unknown channel "${name}"; ${VALID}` });
    }
    const duplicates = channels.filter((name, i) => channels.indexOf(name) !== i);
    if (duplicates.length > 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `channel "${duplicates[0]}" is listed twice` });
  });

export const PreprocessorOptions = z
  .object({
    /** Name of the dataset file written in out/<component>/<type>/. */
    file_name: z.string().regex(/^[^/\\]+\.npz$/, 'file_name must be a plain file name ending in .npz').default('out.npz'),
    /**
     * Side of the non-overlapping square blocks averaged into one input pixel (1 = no pooling). Default 4, not
     * PIXAL's 2, with channels LAB (PIXAL: LAB_a, LAB_b, weights 3, 3): the best detection on synthetic flexes
     * (BENCHMARKS.md, issue 5); LAB_ab misses luminance defects (particles, scratches), and pool 2 trained
     * unstably and ~4x slower for no gain there.
     */
    pool_size: z.number().int().min(1).default(4),
    /** Feature channels per pixel, in this order; or "ALL" for all 23, or a set name (RGB, HSV, YCrCb, LAB, LAB_ab, LCh, rg_chroma, Opp, texture). */
    channels: Channels.default('LAB'),
    /** Loss weight of each channel, one per channel in the same order. */
    weights: z.array(z.number().finite().nonnegative()).nonempty('weights must not be empty').default([1.0, 1.0, 1.0]),
    /** Crop every image of a type to the union bounding box of their foreground. */
    zero_pruning: z.boolean().default(true),
    /** Pixels of margin added around the foreground bounding box (clamped to the image). */
    zero_pruning_padding: z.number().int().nonnegative().default(5),
    /** Without alpha, a pixel is foreground when any colour channel exceeds this 8-bit value. */
    bg_threshold: z.number().int().min(0).max(255).default(15),
    /** Channel scaling: fixed physical ranges, or PIXAL's per-image 1st-99th percentile / max. */
    normalisation: z.enum(NORMALISATIONS).default('fixed'),
  })
  .strict()
  .superRefine((options, ctx) => {
    const listed = typeof options.channels === 'string' ? [] : options.channels;
    if (listed.some((name) => name !== ALL && !isChannelName(name))) return; // already reported on channels
    const count = resolveChannels(options.channels).length;
    if (options.weights.length !== count) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['weights'],
        message: `weights has ${options.weights.length} entries but channels selects ${count}: give one weight per channel, in channel order`,
      });
    }
  });
export type PreprocessorOptions = z.infer<typeof PreprocessorOptions>;

/** The channel list that `channels` selects ("ALL" and group names expanded). Assumes validated names. */
export function resolveChannels(channels: PreprocessorOptions['channels']): ChannelName[] {
  if (typeof channels === 'string') return isChannelGroup(channels) ? [...CHANNEL_GROUPS[channels]] : [...CHANNEL_NAMES];
  if (channels.length === 1 && channels[0] === ALL) return [...CHANNEL_NAMES];
  return channels.filter(isChannelName);
}
