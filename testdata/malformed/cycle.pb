
;
xPlaceholder*
dtype0*
shape:ÿÿÿÿÿÿÿÿÿ

aAddV2xy*
T0

yRelua*
T0