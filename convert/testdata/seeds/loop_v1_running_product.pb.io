x:0
while/Exit_1:0
