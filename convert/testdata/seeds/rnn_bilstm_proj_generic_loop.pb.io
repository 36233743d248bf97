x:0
concat:0
