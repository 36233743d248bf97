package opmap

// nnRules: convolutions, pooling, normalization, activations with
// parameters, softmax, resize and the layout ops.
var nnRules = []Rule{}
