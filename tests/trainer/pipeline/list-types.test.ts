import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listTypes } from '../../../trainer/pipeline/preprocess.ts';

describe('listTypes', () => {
  it('takes real and symbolically linked type folders, skips files and dangling links', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pixal-types-'));
    const shared = join(root, 'shared-back');
    await mkdir(shared);
    const component = join(root, 'flex');
    await mkdir(join(component, 'front'), { recursive: true });
    await symlink(shared, join(component, 'back'));
    await symlink(join(root, 'missing'), join(component, 'gone'));
    await writeFile(join(component, 'notes.txt'), 'not a type');
    expect(await listTypes(component)).toEqual(['back', 'front']);
  });

  it('names the folder when there is no type folder', async () => {
    const component = await mkdtemp(join(tmpdir(), 'pixal-types-empty-'));
    await expect(listTypes(component)).rejects.toThrow(`${component}: no image type folders`);
  });
});
