package opmap

// rnnRules: recurrent ops other than the while-loop patterns the rewrite
// pass turns into ONNX LSTM/GRU.
var rnnRules = []Rule{}
