x:0
Relu:0,while/Identity_3:0,cond/Identity:0
