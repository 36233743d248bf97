
;
xPlaceholder*
dtype0*
shape:ÿÿÿÿÿÿÿÿÿ
8
cConst*
dtype0*
valueB"
0123456789

yAddV2xc*
T0