package gen

// Word lists for synthetic names. Every person they produce is invented; the
// company names follow the registered-name pattern 行政区划 + 字号 + 行业 +
// 组织形式 (永康市恒鼎门业有限公司) without copying real enterprises.

// surnames are common Chinese family names, with those frequent in 永康
// (应, 胡, 吕, 楼, 程) weighted by repetition.
var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜钟陆汪范金石廖夏方邹孟施楼应俞章童舒鲍倪厉颜应胡吕楼程徐李")

// givenChars make up given names of one or two characters.
var givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红建国志海波宁晨欣怡浩宇子涵梓轩俊博文昊天佳琪雪慧晓东宏亮斌林峰毅飞鹏辉新春燕梅琳颖婷倩文武思远嘉豪泽楠")

// articleNames are the real people the seed article names; generated
// people never carry these names.
var articleNames = map[string]bool{
	"付胜文": true, "周旭兴": true, "应永健": true, "裘志威": true,
	"陈伟强": true, "吕琳萍": true, "胡东升": true,
}

// brandFirst and brandSecond make up trade names (字号) of two or three
// characters.
var (
	brandFirst  = []rune("华金恒鼎佳美宏康盛隆博瑞泰鑫信丰富汇宇欣联创永新正天利捷锐凯豪威兴昌源立亿成嘉诚宝海龙腾飞辉星光明远卓越群晶益")
	brandSecond = []rune("力鼎达盛泰隆丰源昌兴宇通星光辉华佳美锋锐诚信利凯豪宝龙腾飞远航科迪派普特奥斯雅欧邦宏伟阳晟钧铭顺发")
)

// blockedBrands are trade names the demo gives to named enterprises (and
// the courier brands); generated names avoid them so a search for them finds
// only those enterprises.
var blockedBrands = []string{"安德", "兰歌", "韵达", "中通", "圆通", "申通", "顺丰", "极兔", "德邦", "京东"}

// placePrefixes are the administrative prefixes of registered names.
var placePrefixes = []weighted{{"永康市", 62}, {"浙江", 30}, {"金华市", 8}}

// orgForms end a name; 股份有限公司 is kept for larger enterprises.
var formsSmall = []weighted{{"有限公司", 100}}
var formsLarge = []weighted{{"有限公司", 80}, {"股份有限公司", 20}}

// middles sometimes follow the industry word (浙江金盛电动工具制造有限公司).
var middles = []weighted{{"", 70}, {"科技", 12}, {"制造", 8}, {"实业", 6}, {"工贸", 4}}

// industryWords are the industry parts of names, by seeded industry code.
var industryWords = map[string][]weighted{
	"agri_machinery": {{"农业机械", 35}, {"农机", 30}, {"农机装备", 10}, {"机械", 15}, {"农机具", 10}},
	"doors":          {{"门业", 55}, {"防盗门", 15}, {"门窗", 10}, {"安全门业", 10}, {"智能门业", 10}},
	"power_tools":    {{"电动工具", 50}, {"工具", 25}, {"电器工具", 10}, {"园林工具", 10}, {"电机", 5}},
	"stainless":      {{"不锈钢制品", 45}, {"不锈钢", 20}, {"杯业", 15}, {"厨具", 10}, {"金属制品", 10}},
	"courier":        {{"物流", 50}, {"快递", 25}, {"速递", 15}, {"供应链管理", 10}},
	"chemical":       {{"化工", 45}, {"化学工业", 15}, {"新材料", 20}, {"涂料", 10}, {"塑胶", 10}},
	"appliances":     {{"电器", 50}, {"家用电器", 15}, {"厨房电器", 15}, {"电子电器", 10}, {"小家电", 10}},
	"hardware":       {{"五金制品", 35}, {"五金", 30}, {"锁业", 15}, {"金属制品", 10}, {"衡器", 10}},
	"auto_parts":     {{"汽车配件", 30}, {"车业", 25}, {"摩托车配件", 15}, {"汽配", 20}, {"车辆部件", 10}},
}

// genericWords serve industries the seed does not know (and 其他).
var genericWords = []weighted{{"工贸", 25}, {"贸易", 15}, {"电子", 15}, {"包装", 10}, {"塑业", 10}, {"机电", 15}, {"文具", 10}}

// roads are invented street names for addresses.
var roads = []string{
	"城西大道", "金城路", "五金大道", "工业园路", "创业路", "兴业街", "长城路", "花园路", "新区大道", "科技路",
	"园区一路", "园区二路", "园区三路", "西溪路", "永盛路", "荣华街", "锦绣路", "振兴路", "通达路", "富民路",
	"清溪路", "丰收路", "恒通街", "望春路", "横塘路", "华康路", "金桥路", "华盛路", "明珠路", "紫微路",
}

// weighted is a value with a relative weight.
type weighted struct {
	v string
	w int
}
