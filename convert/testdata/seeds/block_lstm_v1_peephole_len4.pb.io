x:0,c0:0,h0:0,n:0
BlockLSTM:6,strided_slice:0,mul:0
