// How a word in a negation's scope is spelled where it stands alone. A module of its own because
// training reads pretrained vectors spelled this way as well as the classifier: the browser's
// training worker imports it without the classifier, which it never loads.

/**
 * How a negated word is spelled where it stands alone, without the sentence that negated it:
 * "not:worth" is "worth" in the scope of a negation. nearest(), wordVector() and similarity()
 * accept it and `export-vectors --include-negated` writes it. The tokeniser cuts text at ":", so
 * no token of a user's text is spelled this way.
 */
export const NEGATED_WORD_PREFIX = 'not:';
