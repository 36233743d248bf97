package opmap

// resourceRules read resource variables. Package savedmodel freezes a
// SavedModel by turning each variable (VarHandleOp) into a constant of its
// value, so what read the resource handle now reads that value: a read is
// the value itself, a gather from the variable a Gather from it.
var resourceRules = []Rule{
	{"ReadVariableOp", MinOpset, passThrough},
	{"ResourceGather", MinOpset, arrNeeds(2, resourceGather)},
	{"ResourceGatherNd", MinOpset, arrNeeds(2, arrGatherNd)},
	{"VariableShape", MinOpset, arrNeeds(1, arrShape)},
}

// resourceGather is GatherV2 on axis 0 (TF's ResourceGather has no axis).
func resourceGather(c *Ctx) error {
	if bd := c.Node.Int("batch_dims", 0); bd != 0 {
		return c.Errorf("batch_dims %d is not supported", bd)
	}
	return arrGatherV1(c)
}
