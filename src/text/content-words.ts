// Which tokens are words worth listing as a word's neighbours: not punctuation, emoji or symbols
// ("!", ",", ":)"), and not the particles of Chinese and Japanese (的, 了, は, の), which sit
// next to every word and so near every vector. The web app's word map keeps letters and digits
// the same way (examples/web/main.js).

/** Chinese and Japanese particles and other function words of one character. */
const CJK_FUNCTION_WORDS = new Set([
  ...'的了着过吗呢吧啊呀哦嘛啦哈么之和与及或而也都就还又很太更最是在有个把被让给对从向于以',
  ...'はがをにでとものへやかねよなわ',
]);

/**
 * Whether a token is a word to show as a neighbour: it holds a letter or a digit, and it is not a
 * one-character Chinese or Japanese particle.
 * @example isContentWord("love") // true
 * @example isContentWord("!") // false
 * @example isContentWord("的") // false
 */
export function isContentWord(token: string): boolean {
  return /[\p{L}\p{N}]/u.test(token) && !CJK_FUNCTION_WORDS.has(token);
}
