x:0
Identity:0,Identity_1:0,Identity_2:0
