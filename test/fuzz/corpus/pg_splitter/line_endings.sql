select 1;

select 'a
b';
select 2;select 3;select 'é;ü';
﻿select 4;