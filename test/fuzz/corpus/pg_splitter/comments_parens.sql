/* lead */ select 1;
select 1 /* ; /* nested ; */ still ; */ ;
select 1 -- ; 
 ;
select 2 +/* c; */ 3;
select 2 */ ;
select 1 /*/ ; */ */ ;
select 1 /* **/ ;
create table t (a int); create table a (x int); create table b (x int);
create rule r as on insert to t do also (insert into a values (1); insert into b values (2));
select (1; 2);
select 1); select 2;
select '(' ;
select "a;b", "c""d;";
select U&"a;b";
select "\";
-- trailing comment ; here
select 3
