

xPlaceholder*
dtype0ç

yRelux*
T0ç