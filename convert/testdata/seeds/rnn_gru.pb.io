x:0
rnn/transpose_1:0,rnn/while/Exit_3:0
