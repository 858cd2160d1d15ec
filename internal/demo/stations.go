package demo

import (
	"context"
	"fmt"
	"time"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
)

// The demo zone, fourth part: 红色驿站. 韵达 runs three, the first at 东城街道
// 大塘王村 (opened in August 2021 with a few 万元), where the article's
// courier finds a rest room, a reading corner, a wash basin, tea, phone
// charging, umbrellas, a first-aid kit and a toolbox. Other couriers, a
// village committee and the sanitation station run the rest. Each station
// carries a year of history from its opening month (or from August 2021
// for older ones): daily visitor counts, loans, a service log and public
// ratings. Like the rest of the demo, everything comes from a fixed seed.

// StationHistoryFrom and StationHistoryDays bound the demo's year of
// station activity.
var (
	StationHistoryFrom = time.Date(2021, 8, 1, 0, 0, 0, 0, time.UTC)
	StationHistoryDays = 365
)

type demoStation struct {
	code, name, operator, enterprise, village, address string
	dLat, dLng                                         float64 // from the zone's centre
	hours                                              [7]string
	amenities                                          []string
	investment                                         float64
	opened                                             string
	closed                                             string // reason, for a temporarily closed station
	closures                                           string
	traffic                                            int // relative visitor volume
}

func week(h string) [7]string { return [7]string{h, h, h, h, h, h, h} }

var articleAmenities = []string{"rest_room", "reading", "wash_basin", "tea", "charging", "umbrella", "first_aid", "toolbox"}

var demoStations = []demoStation{
	{"HZ-YD-01", "韵达红色驿站（大塘王村）", "", "永康市韵达快递有限公司", "东城街道大塘王村", "浙江省永康市东城街道大塘王村村委会旁",
		0.006, 0.021, week("07:00-22:00"), append(append([]string{}, articleAmenities...), "microwave", "air_con", "wifi"), 3.8, "2021-08-01", "",
		"2021-10-01 国庆假期闭站", 10},
	{"HZ-YD-02", "韵达红色驿站（城西分拨中心）", "", "永康市韵达快递有限公司", "城西新区中心片区", "浙江省永康市城西新区金山东路韵达分拨中心",
		0.001, -0.002, week("24h"), []string{"rest_room", "tea", "charging", "toilet", "microwave", "wifi"}, 2.5, "2021-07-01", "", "", 14},
	{"HZ-YD-03", "韵达红色驿站（花街）", "", "永康市韵达快递有限公司", "花街镇花街村", "浙江省永康市花街镇花街村文化礼堂",
		-0.021, -0.024, [7]string{"08:00-11:30, 13:30-18:00", "08:00-11:30, 13:30-18:00", "08:00-11:30, 13:30-18:00", "08:00-11:30, 13:30-18:00",
			"08:00-11:30, 13:30-18:00", "09:00-17:00", ""}, []string{"rest_room", "tea", "charging", "umbrella", "first_aid"}, 1.6, "2021-08-16", "", "", 5},
	{"HZ-ZT-01", "中通红色驿站", "", "永康市中通快递有限公司", "城西新区中心片区", "浙江省永康市城西新区园区路中通网点",
		0.003, 0.004, week("20:00-06:00+1"), []string{"rest_room", "tea", "charging", "microwave"}, 2.0, "2021-06-28", "", "", 8},
	{"HZ-SF-01", "顺丰红色驿站", "", "永康市顺丰速运有限公司", "西城街道", "浙江省永康市西城街道总部中心顺丰营业部",
		0.010, -0.031, week("08:00-20:00"), []string{"tea", "charging", "wash_basin", "toilet", "air_con"}, 2.2, "2021-05-20", "", "", 7},
	{"HZ-ST-01", "申通红色驿站", "", "永康市申通快递有限公司", "东城街道大塘王村", "浙江省永康市东城街道大塘王村工业区",
		0.009, 0.026, week("08:00-21:00"), []string{"rest_room", "charging", "umbrella"}, 1.2, "2021-07-10", "设备更新改造", "", 4},
	{"HZ-JT-01", "极兔红色驿站", "", "永康市极兔速递有限公司", "江南街道", "浙江省永康市江南街道园周村",
		-0.012, 0.018, week("09:00-19:00"), []string{"tea", "charging", "first_aid", "wifi"}, 1.5, "2021-08-08", "", "", 5},
	{"HZ-CW-01", "大塘王村党群驿站", "大塘王村村民委员会", "", "东城街道大塘王村", "浙江省永康市东城街道大塘王村党群服务中心",
		0.005, 0.024, week("06:00-21:00"), []string{"rest_room", "reading", "tea", "toilet", "wash_basin", "umbrella", "air_con"}, 4.5, "2021-03-15", "",
		"2021-10-01 国庆\n2021-10-02 国庆", 9},
	{"HZ-HW-01", "环卫工人爱心驿站", "城西新区环卫所", "", "西城街道", "浙江省永康市西城街道环卫所",
		0.014, -0.018, week("04:30-10:30, 14:00-20:00"), []string{"rest_room", "tea", "microwave", "wash_basin", "toilet", "charging"}, 2.8, "2020-12-01", "", "", 6},
	{"HZ-DB-01", "德邦红色驿站", "", "永康市德邦物流有限公司", "城西新区北片区", "浙江省永康市城西新区北园路德邦物流园",
		0.027, 0.002, week("08:00-18:00"), []string{"tea", "charging", "toolbox"}, 1.0, "2021-07-20", "", "", 4},
}

// visitor kinds with a base daily mean (scaled by a station's traffic).
var visitMeans = map[string]float64{"courier": 2.2, "rider": 1.0, "sanitation": 0.35, "villager": 0.8, "other": 0.2}

var loanItems = []string{"雨伞", "雨伞", "雨伞", "充电宝", "充电线", "打气筒", "扳手", "雨衣"}

var serviceSummaries = map[string][]string{
	"first_aid": {"为快递员处理手部擦伤", "环卫工人中暑，提供藿香正气水并休息", "外卖骑手摔倒膝盖擦伤，消毒包扎", "村民血压不适，测量后联系家属"},
	"repair":    {"为快递员修补电动车轮胎", "更换电动车刹车线", "帮外卖骑手修理手机支架", "更换驿站饮水机滤芯"},
	"event":     {"党员志愿服务日：免费理发", "“七一”主题党日活动", "夏季送清凉活动", "快递小哥安全骑行培训"},
}

var ratingComments = []string{"夏天有空调和凉茶，太贴心了", "充电很方便，跑件路上歇一歇", "借了把伞，第二天还回来，工作人员很热情",
	"环境干净，还有书可以看", "晚上也开着，夜班送件能喝口热水", "微波炉热饭很方便", "希望周末也能开门", "厕所很干净", "有医药箱，擦伤及时处理了",
	"感谢党员志愿者的服务", "位置有点难找，希望加个指示牌", ""}

var borrowers = []string{"王师傅", "李师傅", "张师傅", "陈师傅", "刘师傅", "骑手小周", "骑手小吴", "环卫徐阿姨", "村民胡大伯", "快递员小林"}

func (l *loader) loadStations(ctx context.Context) error {
	keeper, err := l.s.UserByUsername(ctx, "zhanzhang")
	if err != nil {
		return fmt.Errorf("demo: station keeper: %w", err)
	}
	src := gen.NewSource(Seed + 4)
	for i, d := range demoStations {
		lat, lng := zoneLat+d.dLat, zoneLng+d.dLng
		in := store.StationInput{Code: d.code, Name: d.name, Operator: d.operator, Village: d.village, Address: d.address,
			Lat: &lat, Lng: &lng, Hours: d.hours, Amenities: d.amenities, InvestmentWan: d.investment, OpenedOn: d.opened,
			Status: model.StationOpen, Closures: d.closures}
		if d.enterprise != "" {
			e, ok := l.party.entByName[d.enterprise]
			if !ok {
				return fmt.Errorf("demo: station %s: no enterprise %s", d.code, d.enterprise)
			}
			in.EnterpriseID = e.ID
			for _, o := range l.orgs {
				if o.Name == d.enterprise+"党支部" || o.Name == d.enterprise+"功能性党支部" {
					in.OrgID = o.ID
				}
			}
		}
		if d.closed != "" {
			in.Status, in.ClosedReason = model.StationClosed, d.closed
		}
		if i == 0 {
			in.KeeperIDs = []int64{keeper.ID}
		}
		st, err := l.s.CreateStation(ctx, model.System, in)
		if err != nil {
			return fmt.Errorf("demo: station %s: %w", d.code, err)
		}
		if err := l.s.ImportStationHistory(ctx, model.System, st.ID, stationHistory(src, d)); err != nil {
			return fmt.Errorf("demo: station %s history: %w", d.code, err)
		}
	}
	return nil
}

// stationHistory draws a year of a station's activity from its opening
// month (or StationHistoryFrom for older stations).
func stationHistory(src *gen.Source, d demoStation) store.StationHistory {
	var h store.StationHistory
	from := StationHistoryFrom
	if t, err := time.Parse("2006-01-02", d.opened); err == nil && t.After(from) {
		from = t
	}
	kinds := []string{"courier", "rider", "sanitation", "villager", "other"}
	for day := range StationHistoryDays {
		at := from.AddDate(0, 0, day)
		if d.hours[(int(at.Weekday())+6)%7] == "" {
			continue
		}
		busy := 1.0
		if m := at.Month(); m == time.July || m == time.August || m == time.December || m == time.January {
			busy = 1.3 // heat and cold bring people in
		}
		for _, k := range kinds {
			mean := visitMeans[k] * float64(d.traffic) * busy
			n := int(mean*0.6) + src.R.IntN(int(mean*0.8)+1)
			if n > 0 {
				h.Visits = append(h.Visits, store.VisitDay{Day: at, Kind: k, N: n})
			}
		}
		if src.Chance(0.18 + 0.02*float64(d.traffic)) {
			lent := at
			due := lent.AddDate(0, 0, src.Between(1, 7))
			loan := store.HistoryLoan{Item: loanItems[src.R.IntN(len(loanItems))], Borrower: borrowers[src.R.IntN(len(borrowers))],
				LentOn: lent, DueOn: due}
			// Most come back on time; a few late; the last weeks' loans
			// may still be out (the overdue list is not empty).
			if day < StationHistoryDays-10 || src.Chance(0.5) {
				ret := due.AddDate(0, 0, -src.Between(0, 1))
				if src.Chance(0.08) {
					ret = due.AddDate(0, 0, src.Between(2, 9))
				}
				if ret.Before(lent) {
					ret = lent
				}
				loan.ReturnedOn = &ret
			}
			h.Loans = append(h.Loans, loan)
		}
		if src.Chance(0.06) {
			kind := []string{"first_aid", "repair", "repair", "event"}[src.R.IntN(4)]
			list := serviceSummaries[kind]
			h.Services = append(h.Services, store.HistoryService{Kind: kind, Day: at, Summary: list[src.R.IntN(len(list))]})
		}
		if src.Chance(0.08) {
			rating := []int{5, 5, 5, 4, 4, 4, 3, 5, 4, 2}[src.R.IntN(10)]
			comment := ratingComments[src.R.IntN(len(ratingComments))]
			status := model.FeedbackApproved
			switch {
			case comment != "" && day >= StationHistoryDays-20:
				status = model.FeedbackPending // the moderation queue has work
			case comment != "" && src.Chance(0.03):
				status, comment = model.FeedbackHidden, "加微信领红包 （已隐藏的广告）"
			}
			h.Feedback = append(h.Feedback, store.HistoryFeedback{Rating: rating, Comment: comment, Status: status,
				At: at.Add(time.Duration(src.Between(1, 12)) * time.Hour)})
		}
	}
	return h
}
