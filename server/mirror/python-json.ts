// Some MLflow endpoints (get-history-bulk) answer with Flask's JSON, which writes a NaN value as the
// bare token NaN (and infinities as Infinity), which JSON.parse refuses. Those tokens, outside
// strings, become the strings protobuf-JSON uses ("NaN", "Infinity", "-Infinity").
const BARE = /^-?(?:NaN|Infinity)/;

export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const quoted = quoteBareDoubles(text);
    if (quoted === text) throw err;
    return JSON.parse(quoted);
  }
}

function quoteBareDoubles(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === 'N' || c === 'I' || c === '-') {
      const token = BARE.exec(text.slice(i, i + 9))?.[0];
      if (token) {
        out += `${text.slice(from, i)}"${token}"`;
        i += token.length - 1;
        from = i + 1;
      }
    }
  }
  return out + text.slice(from);
}
