package opmap

// mathRules: elementwise math beyond the 1:1 tables, matmuls, reductions,
// comparisons and casts.
var mathRules = []Rule{}
