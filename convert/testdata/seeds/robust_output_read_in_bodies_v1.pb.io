x:0
Relu:0,while/Exit_1:0,cond/Merge:0
