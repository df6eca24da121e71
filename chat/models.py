# Conversations and messages arrive with the real-time chat ([4/7]).
