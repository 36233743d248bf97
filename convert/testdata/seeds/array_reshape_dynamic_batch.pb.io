x:0
Reshape:0
