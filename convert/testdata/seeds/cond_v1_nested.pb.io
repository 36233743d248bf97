x:0
cond/Merge:0
