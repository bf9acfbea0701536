// Anchoring: placing glosses in versions of a text (README, "Anchoring"). Re-exports only.

export type { Anchor, AnchorStatus, AnchorTarget, Segment, Selectors, TextMapper } from './types.ts';
export { type FoldedText, foldText, foldKey, rawRange, foldedRange, foldQuote } from './fold.ts';
export {
  AmbiguousQuoteError,
  type MatchLimits,
  type MatchQuoteOptions,
  type QuoteMatch,
  type QuoteMatchKind,
  defaultMatchLimits,
  matchQuote,
  matchQuoteOrNull,
  nearlyPeriodic,
  minFuzzyScore,
  minQuoteSimilarity,
  minContextAgreement,
} from './match-quote.ts';
export { createTextMapper, identityMapper } from './text-mapper.ts';
export { type ResolveOptions, createAnchorTarget, foldedExactScore, resolveAnchor } from './resolve.ts';
export { contextLength, describeRange } from './describe.ts';
