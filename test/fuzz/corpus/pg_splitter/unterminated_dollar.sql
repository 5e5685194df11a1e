select $tag$ never closed $tag ;
