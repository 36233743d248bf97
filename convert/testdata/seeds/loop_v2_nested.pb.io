x:0
while/Identity_2:0,while/Identity_3:0
