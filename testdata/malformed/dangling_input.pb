
;
xPlaceholder*
dtype0*
shape:ÿÿÿÿÿÿÿÿÿ

yAddV2xghost*
T0