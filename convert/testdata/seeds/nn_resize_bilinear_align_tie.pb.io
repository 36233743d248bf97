x:0
ResizeBilinear:0
