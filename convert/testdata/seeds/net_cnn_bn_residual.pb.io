x:0
out:0
