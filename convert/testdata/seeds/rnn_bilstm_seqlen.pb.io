x:0,len:0
concat:0,bidirectional_rnn/fw/fw/while/Exit_4:0,bidirectional_rnn/bw/bw/while/Exit_4:0
