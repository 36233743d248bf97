package opmap

// controlRules: TF2 functional control flow (If, While) and the Loop/If
// nodes the TF1 control-flow rewrite leaves behind.
var controlRules = []Rule{}
