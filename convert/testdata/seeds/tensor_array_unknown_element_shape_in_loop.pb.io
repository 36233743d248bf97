x:0
Reshape:0,Reshape_1:0
