x:0
Conv2D:0
