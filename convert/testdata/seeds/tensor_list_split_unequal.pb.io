x:0,k:0
TensorListGetItem:0,TensorListGetItem_1:0,mul:0,TensorListConcatV2:1,TensorListLength:0
