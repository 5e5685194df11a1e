select 'unterminated
;