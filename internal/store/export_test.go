package store

// TermCap exposes the dense-bigram threshold to the black-box tests.
const TermCap = termCap
