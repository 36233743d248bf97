package opmap

// arrayRules: shapes, slicing, joining, gathering, padding, tiling.
var arrayRules = []Rule{}
