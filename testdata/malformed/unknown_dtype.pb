
;
xPlaceholder*
dtype0*
shape:ÿÿÿÿÿÿÿÿÿ
,
cConst*
dtype0*
value
B

yAddV2xc*
T0