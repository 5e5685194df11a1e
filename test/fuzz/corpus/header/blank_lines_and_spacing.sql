
-- revision: abc

 	
  --   down_revision  :   p  
--	revision_note_below

SELECT 1;
