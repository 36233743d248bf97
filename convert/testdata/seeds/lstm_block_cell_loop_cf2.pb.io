x:0
transpose_1:0,while/Identity_3:0,while/Identity_4:0
