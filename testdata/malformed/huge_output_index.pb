
;
xPlaceholder*
dtype0*
shape:ÿÿÿÿÿÿÿÿÿ
 
yRelux:2147483647*
T0