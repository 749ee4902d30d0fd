// Quotes one word for a POSIX shell. Words of only safe characters stay bare; anything else is
// single-quoted, with embedded single quotes written as '\''.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** shellQuote returns `word` as a POSIX shell will read back unchanged. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
