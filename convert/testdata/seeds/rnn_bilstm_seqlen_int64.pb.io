x:0,len:0
bidirectional_rnn/fw/fw/transpose_1:0,ReverseSequence:0
