"""The words Ask CineCircle's rules know: genre words (English and Chinese) and mood words with
the review aspects and genre leanings they stand for."""

from __future__ import annotations

from typing import Any

# The catalogue's genres (MovieLens names) and the words that ask for them.
GENRE_WORDS: dict[str, tuple[str, ...]] = {
    "Action": ("action", "动作"),
    "Adventure": ("adventure", "adventures", "冒险"),
    "Animation": ("animation", "animated", "cartoon", "cartoons", "anime", "动画", "动漫"),
    "Children": ("children's", "kids", "kid", "family", "儿童", "家庭"),
    "Comedy": ("comedy", "comedies", "rom-com", "romcom", "喜剧"),
    "Crime": ("crime", "heist", "gangster", "mafia", "犯罪", "黑帮"),
    "Documentary": ("documentary", "documentaries", "纪录片", "纪录"),
    "Drama": ("drama", "dramas", "剧情"),
    "Fantasy": ("fantasy", "奇幻", "魔幻"),
    "Film-Noir": ("film noir", "film-noir", "noir", "黑色电影"),
    "Horror": ("horror", "horrors", "恐怖"),
    "Musical": ("musical", "musicals", "音乐剧", "歌舞"),
    "Mystery": ("mystery", "mysteries", "whodunit", "whodunnit", "悬疑", "推理"),
    "Romance": ("romance", "romantic", "romances", "rom-com", "romcom", "love story", "爱情", "浪漫"),
    "Sci-Fi": ("sci-fi", "scifi", "science fiction", "science-fiction", "科幻"),
    "Thriller": ("thriller", "thrillers", "惊悚"),
    "War": ("war", "战争"),
    "Western": ("western", "westerns", "西部"),
}

# Mood words: the site's review aspects they lean on (aspects the blend and reviews know:
# story, acting, characters, visuals, music, pacing, humour, emotional impact) and genres
# they favour or push down. They re-rank; they never filter.
MOODS: dict[str, dict[str, Any]] = {
    "funny": {
        "words": ("funny", "funnier", "hilarious", "comedic", "laugh", "laughs", "搞笑", "好笑", "幽默"),
        "aspects": {"humour": 1.0},
        "genres": {"Comedy": 1.0},
    },
    "light": {
        "words": (
            "feel-good",
            "feel good",
            "feelgood",
            "light",
            "lighter",
            "lighthearted",
            "light-hearted",
            "uplifting",
            "cheerful",
            "heartwarming",
            "relaxing",
            "轻松",
            "温馨",
            "治愈",
            "开心",
        ),
        "aspects": {"humour": 0.5, "emotional impact": 0.5},
        "genres": {
            "Comedy": 0.7,
            "Romance": 0.3,
            "Children": 0.3,
            "Horror": -1.0,
            "War": -1.0,
            "Thriller": -0.5,
        },
    },
    "tense": {
        "words": ("tense", "suspenseful", "gripping", "edge of my seat", "thrilling", "紧张", "刺激"),
        "aspects": {"pacing": 1.0},
        "genres": {"Thriller": 1.0, "Mystery": 0.5},
    },
    "dark": {
        "words": ("dark", "darker", "bleak", "gritty", "grim", "黑暗", "压抑"),
        "aspects": {"story": 0.3},
        "genres": {"Crime": 0.7, "Thriller": 0.5, "Film-Noir": 0.5, "Comedy": -0.7, "Children": -1.0},
    },
    "moving": {
        "words": (
            "moving",
            "emotional",
            "sad",
            "tearjerker",
            "touching",
            "heartbreaking",
            "感人",
            "催泪",
            "伤感",
        ),
        "aspects": {"emotional impact": 1.0},
        "genres": {"Drama": 1.0, "Romance": 0.3},
    },
    "scary": {
        "words": ("scary", "scarier", "creepy", "spooky", "terrifying", "吓人"),
        "aspects": {},
        "genres": {"Horror": 1.0, "Thriller": 0.5},
    },
    "less violent": {
        "words": (
            "less violent",
            "less scary",
            "not too scary",
            "not scary",
            "not violent",
            "not too violent",
            "non-violent",
            "nonviolent",
            "no violence",
            "gentle",
            "gentler",
            "不暴力",
            "别太暴力",
            "不要暴力",
            "温和",
        ),
        "aspects": {},
        "genres": {"Horror": -1.0, "War": -1.0, "Crime": -0.6, "Action": -0.5, "Thriller": -0.5},
    },
    "beautiful": {
        "words": ("beautiful", "gorgeous", "stunning", "visually", "画面", "唯美"),
        "aspects": {"visuals": 1.0},
        "genres": {},
    },
    "clever": {
        "words": ("clever", "smart", "twisty", "mind-bending", "thought-provoking", "烧脑"),
        "aspects": {"story": 1.0},
        "genres": {"Mystery": 0.5, "Sci-Fi": 0.3},
    },
    "great acting": {
        "words": ("great acting", "well acted", "well-acted", "performances", "演技"),
        "aspects": {"acting": 1.0},
        "genres": {},
    },
    "music": {
        "words": ("soundtrack", "great music", "配乐"),
        "aspects": {"music": 1.0},
        "genres": {"Musical": 0.3},
    },
    "fast": {
        "words": ("fast-paced", "fast paced", "action-packed", "快节奏"),
        "aspects": {"pacing": 1.0},
        "genres": {"Action": 0.5},
    },
}
