// Seeded generator of search filters and order_by clauses: mostly plausible ones from a grammar of
// MLflow's search language, then mutated (dropped quotes, bad operators, OR, parentheses, stray
// characters, truncation) so that both sides of every rule get exercised. Shared by the
// differential test against MLflow and the HTTP fuzz test.

export type SearchKind = 'run' | 'experiment' | 'registered_model' | 'model_version';

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Generator {
  constructor(private readonly random: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  // --- pieces -------------------------------------------------------------------------------

  /** Mostly from `common`, sometimes from `odd`. */
  weighted<T>(common: readonly T[], odd: readonly T[], oddness = 0.25): T {
    return this.chance(oddness) ? this.pick(odd) : this.pick(common);
  }

  key(): string {
    return this.weighted(['loss', 'acc', 'lr', 'val_loss', 'f1', 'a1', 'x_y', 'model.type', 'mlflow.runName', '`f1-score`', '"f1 score"'], [
      'select',
      'order',
      'count',
      '1_a',
      'é',
      'ж',
      '日本',
      '`f1-score`',
      '`a b`',
      '`a.b`',
      '"f1 score"',
      '"x"',
      "'a b'",
      '``',
      '`a``b`',
      'in',
      'as',
      '12',
      '*',
    ]);
  }

  number(): string {
    return this.weighted(['0', '1', '42', '-5', '0.5', '-1.5', '.5', '1e5', '1E-3', '123456789012'], [
      '-.5',
      '5.',
      '-1.5e3',
      '00012',
      '1e400',
      '0x1F',
      '1_000',
      '+5',
      '1.e5',
      '1.5.5',
      '1a',
      'inf',
      'NaN',
      '1e5a',
    ]);
  }

  string(): string {
    return this.weighted(["'x'", '"x"', "'%x%'", "'a_c'", "'FINISHED'", "'with space'", "'1'"], [
      "'it''s'",
      "'a\\'b'",
      "''",
      '""',
      "'日本 語'",
      '"dq ""inner"" dq"',
      "'tab\there'",
      "'%'",
      'x',
      '`x`',
      "' 7 '",
      "'x' 'y'",
      '"a"."b"',
    ]);
  }

  list(numbers = false): string {
    const items = Array.from({ length: 1 + this.int(3) }, () =>
      numbers
        ? this.pick(["'1'", '"2"', "' 3 '", "'0_1'", "'x'", '1'])
        : this.pick(["'a'", '"b"', "'c d'", "'\\x41'", "'a' 'b'", "r'\\d'", "u'x'", "b'x'", '1', "('e')", "'''t'''"]),
    );
    const inner = items.join(this.pick([', ', ',', ' , ', ',\n']));
    return this.pick([`(${inner})`, `(${inner},)`, `(${inner})`, '()', `((${inner}))`, `(${inner}`]);
  }

  numericOp(): string {
    return this.pick(['>', '>=', '=', '!=', '<', '<=', '>', '=']);
  }

  stringOp(): string {
    return this.pick(['=', '!=', 'LIKE', 'ILIKE', 'like', 'ilike', 'Like', '=', '!=']);
  }

  badOp(): string {
    return this.pick(['==', '<>', '=>', '!', '~', 'NOT LIKE', 'RLIKE', 'REGEXP', '>>', 'IN', 'IS', 'BETWEEN', '+']);
  }

  // --- clauses per kind ----------------------------------------------------------------------

  runClause(): string {
    const kind = this.int(10);
    const op = (normal: () => string) => (this.chance(0.08) ? this.badOp() : normal());
    switch (kind) {
      case 0:
      case 1:
        return `${this.pick(['metrics', 'metric', 'METRICS', '`metrics`'])}.${this.key()} ${op(() => this.numericOp())} ${this.chance(0.9) ? this.number() : this.string()}`;
      case 2:
        return `${this.pick(['params', 'param', 'parameter', 'parameters'])}.${this.key()} ${op(() => this.stringOp())} ${this.chance(0.9) ? this.string() : this.number()}`;
      case 3:
        return `${this.pick(['tags', 'tag', 'tagz'])}.${this.key()} ${op(() => this.stringOp())} ${this.chance(0.9) ? this.string() : this.number()}`;
      case 4: {
        const prefix = this.pick(['', '', 'attributes.', 'attribute.', 'attr.', 'run.', 'attribs.']);
        const key = this.pick(['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', '`run name`', '"Run Name"', 'lifecycle_stage', 'foo']);
        return `${prefix}${key} ${op(() => this.stringOp())} ${this.chance(0.9) ? this.string() : this.number()}`;
      }
      case 5: {
        const prefix = this.pick(['', 'attributes.', 'run.']);
        const key = this.pick(['start_time', 'end_time', 'created', 'Created']);
        return `${prefix}${key} ${op(() => this.numericOp())} ${this.chance(0.9) ? this.number() : this.string()}`;
      }
      case 6:
        return `${this.pick(['run_id', 'attributes.run_id', 'status', 'dataset.name', 'params.x'])} ${this.pick(['IN', 'in', 'NOT IN', 'not in', 'NOT  IN'])} ${this.list()}`;
      case 7:
        return `${this.pick(['dataset', 'datasets'])}.${this.pick(['name', 'digest', 'context', 'foo'])} ${op(() => this.stringOp())} ${this.chance(0.8) ? this.string() : this.list()}`;
      case 8:
        return `${this.pick(['params', 'tags', 'metrics', 'attributes', 'dataset'])}.${this.pick(['a', 'name', 'status'])} ${this.pick(['IS NULL', 'is null', 'IS NOT NULL', 'is not null', 'IS NOT  NULL', 'IS  NULL'])}`;
      default:
        return `${this.pick(['tags.mlflow.runName', 'tags.`mlflow.user`', 'metrics."val loss"', 'metrics.a.b'])} ${op(() => this.stringOp())} ${this.string()}`;
    }
  }

  experimentClause(): string {
    switch (this.int(6)) {
      case 0:
        return `${this.pick(['name', 'attribute.name', '`name`', '"name"', 'attributes.name'])} ${this.chance(0.1) ? this.badOp() : this.stringOp()} ${this.string()}`;
      case 1:
        return `${this.pick(['tags', 'tag', 'params'])}.${this.key()} ${this.chance(0.1) ? this.badOp() : this.stringOp()} ${this.string()}`;
      case 2:
        return `${this.pick(['creation_time', 'last_update_time', 'attribute.creation_time'])} ${this.numericOp()} ${this.chance(0.85) ? this.number() : this.string()}`;
      case 3:
        return `experiment_id ${this.pick(['=', '!=', '>', 'LIKE'])} ${this.pick(["'1'", "'0'", "' 2 '", "'x'", '1', "'1_0'", "'+3'"])}`;
      case 4:
        return `${this.pick(['experiment_id', 'name'])} ${this.pick(['IN', 'in', 'NOT IN'])} ${this.list(true)}`;
      default:
        return `tags.${this.key()} ${this.pick(['IS NULL', 'IS NOT NULL', 'is null'])}`;
    }
  }

  registeredModelClause(): string {
    switch (this.int(4)) {
      case 0:
        return `${this.pick(['name', 'attribute.name', '"name"', 'attributes.name'])} ${this.chance(0.1) ? this.badOp() : this.stringOp()} ${this.string()}`;
      case 1:
        return `${this.pick(['tags', 'tag'])}.${this.key()} ${this.chance(0.1) ? this.badOp() : this.stringOp()} ${this.string()}`;
      case 2:
        return `name ${this.pick(['IN', 'NOT IN', 'in'])} ${this.list()}`;
      default:
        return `${this.pick(['creation_timestamp', 'tags.x', 'name'])} ${this.pick(['>', '=', 'IS NULL'])} ${this.number()}`;
    }
  }

  modelVersionClause(): string {
    switch (this.int(5)) {
      case 0:
        return `${this.pick(['name', 'run_id', 'source_path', 'attribute.run_id', 'source'])} ${this.chance(0.1) ? this.badOp() : this.stringOp()} ${this.string()}`;
      case 1:
        return `${this.pick(['tags', 'tag'])}.${this.key()} ${this.chance(0.1) ? this.badOp() : this.stringOp()} ${this.string()}`;
      case 2:
        return `${this.pick(['name', 'run_id', 'source_path', 'version_number'])} ${this.pick(['IN', 'NOT IN'])} ${this.list()}`;
      default:
        return `${this.pick(['version_number', 'attribute.version_number', 'creation_timestamp'])} ${this.numericOp()} ${this.chance(0.7) ? this.number() : this.pick(["'3'", "'x'", "' 4'"])}`;
    }
  }

  clause(kind: SearchKind): string {
    if (kind === 'run') return this.runClause();
    if (kind === 'experiment') return this.experimentClause();
    if (kind === 'registered_model') return this.registeredModelClause();
    return this.modelVersionClause();
  }

  // --- whole strings -------------------------------------------------------------------------

  filter(kind: SearchKind): string {
    const clauses = Array.from({ length: 1 + this.int(3) }, () => this.clause(kind));
    let text = clauses[0]!;
    for (const clause of clauses.slice(1)) {
      text += this.weighted([' AND ', ' and ', '  AND\n', '\tAND\t', ' And '], [' ', ' OR ', ', ', ' AND AND ', '&&']) + clause;
    }
    if (this.chance(0.05)) text = this.pick(['AND ', ' ', '\n']) + text;
    if (this.chance(0.05)) text += this.pick([' AND', ' ', ';', '; ', ' )']);
    return this.mutate(text, 0.3);
  }

  orderBy(kind: SearchKind): string {
    const keys: Record<SearchKind, string[]> = {
      run: ['metrics.loss', 'metric.`f1 score`', 'metrics."a b"', "metrics.'a b'", 'params.lr', 'tags.mlflow.runName', 'attributes.start_time', 'start_time', 'created', 'Created', 'run_name', 'run_id', 'status', 'end_time', 'artifact_uri', 'user_id', 'lifecycle_stage', 'dataset.name', '`run name`', '"metrics".a', '`metrics`.a', 'timestamp', 'metrics.`a.b`'],
      experiment: ['name', 'experiment_id', 'creation_time', 'last_update_time', 'attribute.name', 'attributes.name', 'tags.x', '`name`', 'timestamp'],
      registered_model: ['name', 'timestamp', 'last_updated_timestamp', 'creation_timestamp', 'attribute.name', '`name`', 'tags.x'],
      model_version: ['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp', 'run_id', 'attribute.name', 'tags.name', 'tags.x', '"name"'],
    };
    const direction = this.pick(['', '', ' ASC', ' DESC', ' asc', ' desc', '  DESC', '\tDESC', ' DESC NULLS LAST', ' ASCENDING', ' DESC ASC', ' Desc']);
    return this.mutate(this.pick(keys[kind]) + direction, 0.3);
  }

  // --- mutations -----------------------------------------------------------------------------

  private static readonly STRAY = [
    '(', ')', "'", '"', '`', '.', ',', ';', '=', '<', '>', '!', '-', '+', '*', '%', '#', '$', ':', '?', '@', '\\',
    ' ', '\t', '\n', '\r\n', 'é', 'ж', '日', '🙂', '\u00a0', '\u200b', '\u0301', '\x1c', '\u3000', 'A', 'a', '1', '_',
    '# ', '--', '/*', '*/', '$$', 'e', 'AND', 'OR', 'NOT', 'IS', 'NULL', 'IN',
  ];

  mutate(text: string, probability: number): string {
    let out = text;
    while (this.chance(probability) && out.length > 0) {
      const at = this.int(out.length + 1);
      switch (this.int(9)) {
        case 0: {
          // drop a quote
          const quotes = [...out].flatMap((c, i) => (`'"\``.includes(c) ? [i] : []));
          if (quotes.length > 0) {
            const q = this.pick(quotes);
            out = out.slice(0, q) + out.slice(q + 1);
          }
          break;
        }
        case 1:
          out = out.slice(0, at) + this.pick(Generator.STRAY) + out.slice(at);
          break;
        case 2:
          out = this.chance(0.5) ? `(${out})` : out.replace(/(\w+\.\w+ [<>=!]+ \S+)/, '($1)');
          break;
        case 3:
          out = out.slice(0, at);
          break;
        case 4:
          out = out.slice(0, at) + out.slice(at + 1 + this.int(3));
          break;
        case 5: {
          const from = this.int(out.length);
          out = out.slice(0, at) + out.slice(from, from + 1 + this.int(8)) + out.slice(at);
          break;
        }
        case 6:
          out = out.replace(/\b(AND|and|metrics|params|tags|IN|NULL)\b/, (word) =>
            word === word.toUpperCase() ? word.toLowerCase() : word.toUpperCase(),
          );
          break;
        case 7:
          out = out.replace(/ (=|!=|>=|<=|>|<|LIKE|ILIKE) /, ` ${this.badOp()} `);
          break;
        default:
          out = out.replace(/ AND /, this.pick([' OR ', ' ', ' && ', ' AND NOT ']));
      }
    }
    return out;
  }

  /** Very long or deeply nested strings, near and past sqlparse's limits. */
  huge(kind: SearchKind): string {
    const clause = this.clause(kind);
    switch (this.int(6)) {
      case 0:
        return `tags.x = '${'y'.repeat(20_000 + this.int(20_000))}'`;
      case 1:
        return Array.from({ length: 1300 + this.int(800) }, () => 'metrics.a > 1').join(' AND ');
      case 2:
        return `run_id IN ${'('.repeat(95 + this.int(10))}'a'${')'.repeat(95 + this.int(10))}`;
      case 3:
        return `metrics.a >${' '.repeat(9990 + this.int(20))}1`;
      case 4:
        return `${clause} AND ${"'".repeat(1 + this.int(5000))}`;
      default:
        return `run_id IN (${Array.from({ length: 2000 + this.int(2000) }, (_, i) => `'r${i}'`).join(', ')})`;
    }
  }
}
