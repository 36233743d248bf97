x:0
out0:0,out1:0
